"""Which sheet groups of the board pack each step's download holds (the full pack holds them all).
Kept apart from the workbook code so the command line can offer the choices without loading it."""

STEP_SHEETS: dict[str, tuple[str, ...]] = {
    "scope": ("scope",),
    "structure": ("structure",),
    "baseline": ("structure",),
    "forecast": ("forecast", "scenarios", "sensitivity", "uncertainty", "succession", "assumptions", "live"),
    "scenarios": ("scenarios", "assumptions", "live"),
    "diversity": ("diversity", "board_terms"),
    "competencies": ("competencies",),
    "surveys": ("self_assessment",),
    "objectives": ("objectives", "unowned"),
    "consult": ("consultation",),
}
