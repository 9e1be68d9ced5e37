"""Runtime profiles read from the runtimes installed beside the studio.

:func:`profile_of_installed` describes the ExecuTorch, ONNX Runtime or PyTorch Lite runtime
importable in this Python (on the desktop, or wherever the agent runs). The functions
below are also the building blocks of ``scripts/generate_runtime_profiles.py``, which
writes the bundled profiles under ``studio/resources/runtimes/``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from studio.compat.profiles import (
    EXECUTORCH,
    ONNXRUNTIME,
    PYTORCH_LITE,
    ProfileError,
    RuntimeProfile,
)

ONNX_DEFAULT_DOMAIN = "ai.onnx"
ORT_MIN_ONNX_OPSET = 7  # the oldest ai.onnx opset ONNX Runtime loads


# ---------------------------------------------------------------- PyTorch Lite


def produced_bytecode_version() -> int:
    """The bytecode version the installed torch writes (a tiny module, saved in memory)."""
    import warnings

    import torch
    import torch.jit.mobile

    class _Probe(torch.nn.Module):
        def forward(self, x):
            return x + 1

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        buffer = io.BytesIO(torch.jit.script(_Probe())._save_to_buffer_for_lite_interpreter())
    return int(torch.jit.mobile._get_model_bytecode_version(buffer))


def torch_operator_names() -> dict[str, list[int]]:
    """Every operator registered in the installed torch, as ``name.overload``."""
    import torch

    names = {}
    for schema in torch._C._jit_get_all_schemas():
        names[f"{schema.name}.{schema.overload_name}" if schema.overload_name else schema.name] = []
    return dict(sorted(names.items()))


def pytorch_lite_installed() -> RuntimeProfile:
    import torch

    version = produced_bytecode_version()
    return RuntimeProfile(
        name="pytorch-lite-installed",
        title=f"PyTorch Lite interpreter of torch {torch.__version__} (this computer)",
        family=PYTORCH_LITE,
        formats=["ptl"],
        runtime_version=torch.__version__,
        min_bytecode_version=4,
        max_bytecode_version=version,
        operators=torch_operator_names(),
        source="torch operator registry (torch._C._jit_get_all_schemas) and the bytecode "
        "version torch.jit writes",
    )


# ---------------------------------------------------------------- ExecuTorch


def executorch_kernels() -> tuple[str, dict[str, list[int]], list[str]]:
    """The installed ExecuTorch version, its kernel registry and its linked backends."""
    from executorch.runtime import Runtime
    from executorch.version import __version__

    runtime = Runtime.get()
    kernels = {name: [] for name in sorted(runtime.operator_registry.operator_names)}
    backends = sorted(runtime.backend_registry.registered_backend_names)
    return __version__, kernels, backends


def executorch_numpy_kernels() -> tuple[str, dict[str, list[int]], list[str], str]:
    """Version, kernels and backends of the torch-free executorch-numpy-runtime, and their source.

    Its OpenVINO delegate is left out: the package links it into its linux-x86_64 build
    only, and the studio writes no OpenVINO programs.
    """
    from importlib.metadata import version as package_version

    from executorch_numpy_runtime import runtime_info

    info = runtime_info()
    kernels = {name: [] for name in sorted(info["operators"])}
    backends = sorted(b for b in info["backends"] if b != "OpenvinoBackend")
    source = (
        f"executorch-numpy-runtime {package_version('executorch-numpy-runtime')}: "
        f"runtime_info() of its build (kernel libraries {', '.join(info['kernel_libs'])})"
    )
    return info["executorch_version"], kernels, backends, source


def executorch_installed() -> RuntimeProfile:
    """The ExecuTorch that runs ``.pte`` here: the ``executorch`` package, else the torch-free one."""
    from studio.runtimes import implementation

    chosen = implementation("executorch")
    if chosen is not None and chosen.library == "executorch_numpy_runtime":
        version, kernels, backends, source = executorch_numpy_kernels()
    else:
        version, kernels, backends = executorch_kernels()
        source = "executorch.runtime.Runtime: operator_registry and backend_registry"
    return RuntimeProfile(
        name="executorch-installed",
        title=f"ExecuTorch {version} runtime (this computer)",
        family=EXECUTORCH,
        formats=["pte"],
        runtime_version=version,
        operators=kernels,
        backends=backends,
        accelerator="XNNPACK" if "XnnpackBackend" in backends else None,
        source=source,
    )


# ---------------------------------------------------------------- ONNX Runtime


def ort_cpu_kernels() -> dict[str, list[int]]:
    """``domain:op`` -> [lowest, highest] opset of the CPU kernels of the installed onnxruntime."""
    from onnxruntime.capi import _pybind_state

    ranges: dict[str, list[int]] = {}
    for kernel in _pybind_state.get_all_opkernel_def():
        if kernel.provider != "CPUExecutionProvider":
            continue
        key = f"{kernel.domain or ONNX_DEFAULT_DOMAIN}:{kernel.op_name}"
        low, high = kernel.version_range
        if key in ranges:
            ranges[key] = [min(ranges[key][0], low), max(ranges[key][1], high)]
        else:
            ranges[key] = [low, high]
    # Operators defined by a function body (HardSwish, ...) have no kernel of their own:
    # onnxruntime expands them into the operators of the body when it loads the model.
    import onnx

    for schema in onnx.defs.get_all_schemas_with_history():
        key = f"{schema.domain or ONNX_DEFAULT_DOMAIN}:{schema.name}"
        if key not in ranges and (schema.has_function or schema.has_context_dependent_function):
            ranges[key] = [schema.since_version, 2**31 - 1]
        elif key in ranges and ranges[key][1] < 2**31 - 1 and schema.has_function:
            ranges[key] = [ranges[key][0], max(ranges[key][1], schema.since_version)]
    # Constant has no kernel either: onnxruntime stores its value when it loads the model.
    from studio.compat.ops_onnx import FOLDED_AT_LOAD

    for key in FOLDED_AT_LOAD:
        ranges.setdefault(key, [1, 2**31 - 1])
    return dict(sorted(ranges.items()))


def ort_max_opset(start: int = 20, stop: int = 64) -> int:
    """The highest ai.onnx opset the installed onnxruntime loads (probed with a one-node model)."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "probe", [x], [y])
    best = None
    for version in range(start, stop):
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", version)])
        model.ir_version = min(model.ir_version, onnx.IR_VERSION)
        try:
            ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        except Exception:  # onnxruntime raises its own Fail type for an unknown opset
            break
        best = version
    if best is None:
        raise ProfileError("the installed onnxruntime loads no ONNX opset the studio can probe")
    return best


def ort_opsets(kernels: dict[str, list[int]]) -> dict[str, list[int]]:
    """The opset range per domain: probed for ai.onnx, the newest kernel for the others."""
    opsets = {ONNX_DEFAULT_DOMAIN: [ORT_MIN_ONNX_OPSET, ort_max_opset()]}
    for key, (low, _high) in kernels.items():
        domain = key.rsplit(":", 1)[0]
        if domain != ONNX_DEFAULT_DOMAIN:
            opsets[domain] = [1, max(low, opsets.get(domain, [1, 1])[1])]
    return dict(sorted(opsets.items()))


def ep_table(filename: str) -> dict[str, str]:
    """An execution provider's supported-operator table shipped in onnxruntime.tools.mobile_helpers:
    ``domain:op`` -> caveat."""
    from onnxruntime.tools import mobile_helpers

    path = Path(mobile_helpers.__path__[0]) / filename
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ProfileError(f"onnxruntime's table {filename} cannot be read ({exc})") from None
    table = {}
    for line in lines:
        cells = line.strip().split("|")
        if len(cells) == 4 and ":" in cells[1]:  # "|domain:op|caveat|"
            table[cells[1].strip()] = re.sub(r"<br/?>", " ", cells[2]).strip()
    return dict(sorted(table.items()))


def onnxruntime_installed() -> RuntimeProfile:
    import onnxruntime as ort

    kernels = ort_cpu_kernels()
    return RuntimeProfile(
        name="ort-installed",
        title=f"ONNX Runtime {ort.__version__} CPU (this computer)",
        family=ONNXRUNTIME,
        formats=["onnx", "ort"],
        runtime_version=ort.__version__,
        opsets=ort_opsets(kernels),
        operators=kernels,
        source="onnxruntime CPU kernel registry (get_all_opkernel_def) and an opset probe",
    )


INSTALLED = {
    "pytorch-lite": pytorch_lite_installed,
    "executorch": executorch_installed,
    "onnxruntime": onnxruntime_installed,
}


def profile_of_installed(runtime: str) -> RuntimeProfile:
    """Describe a runtime installed here: ``pytorch-lite``, ``executorch`` or ``onnxruntime``."""
    try:
        build = INSTALLED[runtime]
    except KeyError:
        raise ProfileError(
            f"unknown installed runtime {runtime!r}", hint=f"choose one of: {', '.join(INSTALLED)}"
        ) from None
    try:
        return build()
    except ImportError as exc:
        raise ProfileError(f"{runtime} is not installed here ({exc})") from None
