"""The on-device agent (server), its protocol, and the studio's client.

No Qt here. The server runs models through :mod:`studio.runtimes`; the client is plain
Python with thread-safe callbacks, so the command line and the GUI drive it alike.
"""
