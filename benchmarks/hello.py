"""The hello-world page the load benchmark compares with: a tiny Flask app rendering a small template,
served by gunicorn on the same settings as the planner (`gunicorn benchmarks.hello:app`)."""

from __future__ import annotations

from flask import Flask, render_template_string

app = Flask(__name__)

PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul></body></html>"""


@app.route("/")
def hello() -> str:
    """A small page rendered from a template."""
    return render_template_string(PAGE, title="Hello, world", items=["one", "two", "three"])
