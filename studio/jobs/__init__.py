"""Model work for the GUI, run in a separate worker process (``model-studio worker``).

The window talks to the worker in JSON lines (:mod:`studio.jobs.protocol`): it sends
requests that name a job (:mod:`studio.jobs.handlers`); the worker answers with
``progress`` events and then one ``result`` or ``error``. No Qt here.
"""
