"""ReLU6 fused into the convolution or linear layer before it, for FX graph mode quantization.

The native FX backend fuses conv/linear + ReLU but not + ReLU6: a ReLU6 stays a separate
quantized op that shares the convolution's output observer, so it is quantized over the
pre-activation range. Worse, the qnnpack engine (the phones') runs a quantized ReLU6 /
hardtanh / clamp on a channels-last tensor (which a quantized convolution returns) into a
contiguous output without reordering, scrambling channels and pixels; the x86 engine does not.

Here every spelling of ReLU6 that follows a module (``F.relu6``, ``F.hardtanh(x, 0, 6)``,
``clamp(x, 0, 6)``, ``nn.Hardtanh(0, 6)``) first becomes an ``nn.ReLU6`` module, and the
backend config fuses (conv | linear [, bn], ReLU6) into the same fused modules as ReLU
(``ConvReLU2d``, ``LinearReLU``) with the ReLU6 inside. Calibration then observes the
ReLU6's output (within [0, 6]); the quantized conv+relu kernel clamps at zero and saturates
at the observed maximum, so no separate ReLU6 op runs.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import fx, nn

RELU6_SUFFIX = "_relu6"  # an inserted ReLU6 module is named after the module before it


def relu6_as_modules(module: nn.Module) -> tuple[fx.GraphModule, dict[str, str]]:
    """``module`` traced, with every ReLU6 after a module call as an ``nn.ReLU6`` module.

    Returns the traced module and, for each inserted ReLU6, the name of the module it follows
    (so that a setting for that module can be given to its ReLU6 too).
    """
    traced = fx.symbolic_trace(module)
    inserted: dict[str, str] = {}
    for node in list(traced.graph.nodes):
        source = node.args[0] if node.args else None
        if not isinstance(source, fx.Node) or source.op != "call_module":
            continue
        if not _is_relu6(traced, node) or _is_module(traced, node, nn.ReLU6):
            continue
        name = _free_name(traced, source.target + RELU6_SUFFIX)
        traced.add_submodule(name, nn.ReLU6().train(module.training))
        with traced.graph.inserting_after(node):
            replacement = traced.graph.call_module(name, (source,))
        node.replace_all_uses_with(replacement)
        traced.graph.erase_node(node)
        inserted[name] = str(source.target)
    traced.recompile()
    return traced, inserted


def _is_module(traced: fx.GraphModule, node: fx.Node, kind: type) -> bool:
    return node.op == "call_module" and type(traced.get_submodule(node.target)) is kind


def _is_relu6(traced: fx.GraphModule, node: fx.Node) -> bool:
    """Whether ``node`` computes ReLU6 of its first argument (and nothing else)."""
    bounds = None
    if node.op == "call_module":
        target = traced.get_submodule(node.target)
        if type(target) is nn.ReLU6:
            return True
        if type(target) is nn.Hardtanh:
            bounds = (target.min_val, target.max_val)
    elif node.op == "call_function" and node.target is F.relu6:
        return len(node.args) == 1
    elif node.op == "call_function" and node.target is F.hardtanh:
        bounds = (*node.args[1:3], node.kwargs.get("min_val"), node.kwargs.get("max_val"))
        bounds = tuple(v for v in bounds if v is not None)
    elif (node.op, node.target) in (("call_function", torch.clamp), ("call_method", "clamp")):
        bounds = (*node.args[1:3], node.kwargs.get("min"), node.kwargs.get("max"))
        bounds = tuple(v for v in bounds if v is not None)
    return bounds is not None and len(bounds) == 2 and tuple(map(float, bounds)) == (0.0, 6.0)


def _free_name(traced: fx.GraphModule, name: str) -> str:
    taken = dict(traced.named_modules())
    candidate, index = name, 1
    while candidate in taken:
        candidate, index = f"{name}_{index}", index + 1
    return candidate


def relu6_backend_config():
    """The native FX backend config plus (conv | linear [, bn], ReLU6) fusion patterns."""
    import torch.ao.quantization.backend_config.utils  # noqa: F401  (the setter below needs it)
    from torch.ao.quantization.backend_config import BackendPatternConfig
    from torch.ao.quantization.backend_config.native import get_native_backend_config

    config = get_native_backend_config()
    extra = []
    for pattern_config in config.configs:
        pattern = pattern_config.pattern
        if (
            isinstance(pattern, tuple)
            and pattern[-1] is nn.ReLU
            and pattern_config.fuser_method is not None
        ):
            extra.append(
                BackendPatternConfig((*pattern[:-1], nn.ReLU6))
                .set_dtype_configs(pattern_config.dtype_configs)
                .set_fuser_method(_with_relu6(pattern_config.fuser_method))
                .set_fused_module(pattern_config.fused_module)
            )
    return config.set_backend_pattern_configs(extra)


def _with_relu6(fuser_method):
    """A fuser for a pattern ending in ReLU6, from the one for the pattern ending in ReLU:
    the same fused module, with the ReLU6 in the ReLU's place."""

    def fuse(is_qat: bool, *modules: nn.Module) -> nn.Module:
        *rest, relu6 = modules
        relu = nn.ReLU()
        relu.train(relu6.training)
        fused = fuser_method(is_qat, *rest, relu)
        if not isinstance(fused, nn.Sequential) or not isinstance(fused[-1], nn.ReLU):
            raise ValueError(f"cannot fuse ReLU6 into {type(fused).__name__}")
        fused[len(fused) - 1] = relu6
        return fused

    return fuse
