"""The pages a signed-in editor opens first all render."""

from tests.factories import make_area, set_baseline


def test_task_list_shows_baseline_totals(client, db, strategy, signed_in):
    med = make_area(db, strategy, "MED", "Medicine")
    ed = make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    set_baseline(db, strategy, ed, staff=420, fte=381.6, senior=1, middle=6, frontline=33)
    signed_in("editor")
    page = client.get(f"/strategies/{strategy.id}").get_data(as_text=True)
    assert 'data-figure="staff">420<' in page
    assert 'data-figure="leaders">40<' in page
