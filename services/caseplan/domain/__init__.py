"""Caseplan's pure rules: no I/O, every decision returns new state and the events it implies."""
