"""`python -m planner.cli`: how `planner serve --worker` starts its worker."""

from planner.cli import main

main()
