"""Choosing among candidate renders: scored ``layout="auto"`` and visibly different variants."""
