"""The desktop application: PySide6 widgets over the studio's library.

Model work runs in a worker process (:mod:`studio.ui.worker_client`), device and agent
I/O on background threads (:mod:`studio.ui.threads`); the window never waits. This
package never imports torch, executorch or onnxruntime.
"""
