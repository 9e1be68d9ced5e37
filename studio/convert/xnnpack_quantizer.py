"""The XNNPACK quantizer, with ReLU6 fused into the convolution or linear layer before it.

The stock ``XNNPACKQuantizer`` fuses conv+ReLU but not conv+ReLU6: a ReLU6 (``hardtanh``)
shares its input's observer, so its output is quantized over the convolution's
pre-activation range (often [-100, 80], leaving a handful of the 256 codes for [0, 6]), and
a ReLU6 written as ``F.relu6`` or ``clamp(0, 6)`` gets a second quantize/dequantize pair
after a coarsely quantized convolution output. Here every spelling of ReLU6 becomes
``aten.hardtanh`` before annotation, and conv/linear + hardtanh is annotated as one pattern:
the convolution's output is not observed, the hardtanh's output has its own observer (so it
covers [0, 6] with all its codes). XNNPACK fuses hardtanh into the convolution as its output
clamp, so the whole graph still lowers to one delegate.

Modules to keep in float32 are given by name (as in ``named_modules()``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from executorch.backends.xnnpack.quantizer.xnnpack_quantizer import (
    CONV_TARGETS,
    LINEAR_TARGETS,
    QuantPattern,
    XNNPACKQuantizer,
    get_symmetric_quantization_config,
)
from executorch.backends.xnnpack.quantizer.xnnpack_quantizer_utils import (
    _is_annotated,
    _mark_nodes_as_annotated,
    get_bias_qspec,
    get_input_act_qspec,
    get_output_act_qspec,
    get_weight_qspec,
    register_annotator,
)
from torch.fx import GraphModule, Node
from torchao.quantization.pt2e.quantizer import QuantizationAnnotation, QuantizationConfig
from torchao.quantization.pt2e.quantizer.quantizer import Q_ANNOTATION_KEY
from torchao.quantization.pt2e.utils import _is_conv_node

aten = torch.ops.aten
HARDTANH = aten.hardtanh.default
GEMM_HARDTANH = "studio_gemm_hardtanh"  # the annotator's name in the XNNPACK registry


def xnnpack_quantizer(dynamic: bool = False, keep_float: Sequence[str] = ()) -> XNNPACKQuantizer:
    """A per-channel symmetric int8 XNNPACK quantizer (dynamic or static activations)."""
    quantizer = Relu6XNNPACKQuantizer().set_global(
        get_symmetric_quantization_config(is_per_channel=True, is_dynamic=dynamic)
    )
    for name in keep_float:
        quantizer.keep_float(name)
    return quantizer


class Relu6XNNPACKQuantizer(XNNPACKQuantizer):
    """``XNNPACKQuantizer`` with conv/linear + ReLU6 as a fused pattern, tried first."""

    # The conv+BN patterns are for training graphs (QAT): the studio quantizes models in
    # eval mode, whose BN ``prepare_pt2e`` folds into the conv before annotating, so they
    # would find nothing, at the price of exporting twelve pattern graphs (about 2 s) each
    # time a model is prepared: layer sensitivity prepares it once per layer group.
    SUPPORTED_PATTERNS = [
        QuantPattern(GEMM_HARDTANH, False, False, CONV_TARGETS | LINEAR_TARGETS),
        *(p for p in XNNPACKQuantizer.SUPPORTED_PATTERNS if not p.is_qat),
    ]

    def keep_float(self, module_name: str) -> Relu6XNNPACKQuantizer:
        """Leave every operator inside ``module_name`` unquantized (the stock
        ``set_module_name`` refuses a None config, which its annotation already supports:
        the module is left out of the global config and annotated with nothing)."""
        self.module_name_config[module_name] = None
        return self

    def transform_for_annotation(self, model: GraphModule) -> GraphModule:
        model = super().transform_for_annotation(model)
        relu6_as_hardtanh(model)
        return model


def relu6_as_hardtanh(model: GraphModule) -> int:
    """Rewrite ``relu6``, in-place ``hardtanh_`` and float ``clamp(x, low, high)`` as
    ``hardtanh`` (the same function; the one XNNPACK fuses). Returns how many were."""
    graph = model.graph
    count = 0
    for node in list(graph.nodes):
        bounds = _hardtanh_bounds(node)
        if bounds is None:
            continue
        with graph.inserting_after(node):
            replacement = graph.call_function(HARDTANH, (node.args[0], *bounds))
        replacement.meta = dict(node.meta)
        node.replace_all_uses_with(replacement)
        graph.erase_node(node)
        count += 1
    if count:
        model.recompile()
    return count


def _hardtanh_bounds(node: Node) -> tuple[float, float] | None:
    """The (low, high) of a node that computes hardtanh in another spelling, else None."""
    if node.op != "call_function" or not node.args or not isinstance(node.args[0], Node):
        return None
    source = node.args[0]
    if node.target == aten.relu6.default:
        return 0.0, 6.0
    if node.target == aten.hardtanh_.default and len(source.users) == 1 and not node.kwargs:
        given = [float(v) for v in node.args[1:3]]
        low, high = (*given, *(-1.0, 1.0)[len(given) :])
        return low, high
    if node.target == aten.clamp.default and not node.kwargs:
        bounds = node.args[1:3]
        value = source.meta.get("val")
        if (
            len(bounds) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in bounds)
            and bounds[0] <= bounds[1]
            and isinstance(value, torch.Tensor)
            and value.is_floating_point()
        ):
            return float(bounds[0]), float(bounds[1])
    return None


def _is_gemm(node: object) -> bool:
    return isinstance(node, Node) and (_is_conv_node(node) or node.target == aten.linear.default)


@register_annotator(GEMM_HARDTANH)
def annotate_gemm_hardtanh(
    gm: GraphModule,
    quantization_config: QuantizationConfig | None,
    filter_fn: Callable[[Node], bool] | None = None,
) -> list[list[Node]]:
    """Annotate conv (BN already folded) or linear followed by hardtanh as one pattern,
    as the stock annotator does conv + relu: inputs and weights on the conv, the output
    observer on the hardtanh."""
    partitions = []
    for node in gm.graph.nodes:
        if node.op != "call_function" or node.target != HARDTANH:
            continue
        gemm = node.args[0]
        if not _is_gemm(gemm) or len(gemm.users) > 1:
            continue
        activation, weight = gemm.args[0], gemm.args[1]
        bias = gemm.args[2] if len(gemm.args) > 2 else None
        input_qspec_map = {
            activation: get_input_act_qspec(quantization_config),
            weight: get_weight_qspec(quantization_config),
        }
        partition = [node, gemm, weight]
        if isinstance(bias, Node):
            input_qspec_map[bias] = get_bias_qspec(quantization_config)
            partition.append(bias)
        if _is_annotated(partition) or (filter_fn and not all(filter_fn(n) for n in partition)):
            continue
        gemm.meta[Q_ANNOTATION_KEY] = QuantizationAnnotation(
            input_qspec_map=input_qspec_map, _annotated=True
        )
        node.meta[Q_ANNOTATION_KEY] = QuantizationAnnotation(
            output_qspec=get_output_act_qspec(quantization_config), _annotated=True
        )
        _mark_nodes_as_annotated(partition)
        partitions.append(partition)
    return partitions
