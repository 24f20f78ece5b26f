"""Reporting: Markdown tables and the report page, figures, and evaluation videos, all drawn from results JSON."""
