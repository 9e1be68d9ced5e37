"""Phones: adb servers and discovery, device facts, verified push and pull.

``adb`` (servers and the adb program), ``discovery`` (listing, live updates),
``facts`` (what a phone is), ``transfer`` (push and pull), ``virtual`` (a simulated
phone). No torch here.
"""
