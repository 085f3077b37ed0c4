"""Exports: charts (plotly) and, later, the workbook. They take results, never sessions."""
