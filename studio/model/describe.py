"""What is inside a model: format, architecture, size, parameters, FLOPs, inputs, outputs, layers."""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field

from studio.model import loaded as fmt
from studio.model.loaded import Candidate, LoadedModel
from studio.watchdog import deadline

log = logging.getLogger(__name__)


@dataclass
class Layer:
    name: str
    type: str
    parameters: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Description:
    path: str
    format: str
    architecture: str | None
    parameters: int | None
    size_bytes: int
    memory_bytes: int | None
    dtypes: dict[str, int]  # dtype -> number of parameters
    flops: int | None
    inputs: list[dict]
    outputs: list[dict]
    layers: list[Layer]
    layer_types: dict[str, int]
    candidates: list[Candidate]
    imagenet_classifier: bool
    labels: list[str] | None
    notes: list[str] = field(default_factory=list)
    details: dict = field(
        default_factory=dict
    )  # format-specific facts (opset, bytecode version...)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["layers"] = [layer.to_dict() for layer in self.layers]
        data["candidates"] = [candidate.to_dict() for candidate in self.candidates]
        data["labels_available"] = self.labels is not None
        data.pop("labels")
        return data

    @classmethod
    def from_dict(cls, doc: dict) -> Description:
        """Rebuild what :meth:`to_dict` wrote. It leaves the class names out: they are read
        from a ``labels`` entry when the document has one (the worker adds it)."""
        return cls(
            path=doc["path"],
            format=doc["format"],
            architecture=doc.get("architecture"),
            parameters=doc.get("parameters"),
            size_bytes=doc.get("size_bytes", 0),
            memory_bytes=doc.get("memory_bytes"),
            dtypes=dict(doc.get("dtypes") or {}),
            flops=doc.get("flops"),
            inputs=list(doc.get("inputs") or []),
            outputs=list(doc.get("outputs") or []),
            layers=[Layer(**layer) for layer in doc.get("layers") or []],
            layer_types=dict(doc.get("layer_types") or {}),
            candidates=[Candidate(**candidate) for candidate in doc.get("candidates") or []],
            imagenet_classifier=bool(doc.get("imagenet_classifier")),
            labels=doc.get("labels"),
            notes=list(doc.get("notes") or []),
            details=dict(doc.get("details") or {}),
        )


def tensor_text(tensor: dict) -> str:
    """One input or output of a description as people read it: ``input: [1, 3, 224, 224] float32``."""
    return f"{tensor['name']}: {tensor['shape']} {tensor['dtype']}"


def describe(model: LoadedModel, dry_run: bool = True) -> Description:
    """Describe ``model``; with ``dry_run`` run it once on zeros to learn its output shapes."""
    desc = Description(
        path=str(model.path),
        format=model.format,
        architecture=model.architecture,
        parameters=None,
        size_bytes=model.path.stat().st_size,
        memory_bytes=None,
        dtypes={},
        flops=None,
        inputs=[t.to_dict() for t in model.input_spec.tensors] if model.input_spec else [],
        outputs=[],
        layers=[],
        layer_types={},
        candidates=list(model.candidates),
        imagenet_classifier=False,
        labels=model.labels,
        notes=list(model.notes),
    )
    if model.module is not None:
        _describe_module(model, desc, dry_run)
    elif model.weights is not None:
        _count_tensors(model.weights.values(), desc)
    elif model.format == fmt.ONNX:
        _describe_onnx(model, desc)
    elif model.format == fmt.EXECUTORCH:
        _describe_pte(model, desc)
    elif model.format == fmt.PYTORCH_LITE:
        _describe_ptl(model, desc)
    elif model.format == fmt.ORT:
        _describe_ort(model, desc)
    if model.metadata.get("input_assumed") and dry_run:
        desc.notes.append(
            "the input shape was assumed to be 1,3,224,224; give the model's input shape if it "
            "takes another"
        )
    return desc


def _count_tensors(tensors, desc: Description) -> None:
    dtypes: Counter = Counter()
    memory = 0
    for t in tensors:
        dtypes[str(t.dtype).replace("torch.", "")] += t.numel()
        memory += t.numel() * t.element_size()
    desc.parameters = sum(dtypes.values())
    desc.dtypes = dict(dtypes)
    desc.memory_bytes = memory


def _describe_module(model: LoadedModel, desc: Description, dry_run: bool) -> None:
    module = model.module
    tensors = list(module.state_dict().values())
    _count_tensors(tensors, desc)
    desc.parameters = sum(p.numel() for p in module.parameters())
    for name, child in module.named_children():
        desc.layers.append(
            Layer(name, _type_name(child), sum(p.numel() for p in child.parameters()))
        )
    desc.layer_types = dict(
        Counter(
            _type_name(m) for _, m in module.named_modules() if not list(m.children())
        ).most_common()
    )
    if dry_run and model.input_spec is not None:
        _dry_run(model, desc)


def _type_name(module) -> str:
    return getattr(module, "original_name", None) or type(module).__name__


def _dry_run(model: LoadedModel, desc: Description) -> None:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from studio.model import architectures

    inputs = [torch.zeros(t.shape, dtype=getattr(torch, t.dtype)) for t in model.input_spec.tensors]
    arch = architectures.catalogue().get(model.architecture or "")
    if arch is not None and arch.image_list_input:
        inputs = [list(inputs[0])]
    counter = FlopCounterMode(display=False)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with counter:
                output = model.module(*inputs)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        desc.notes.append(
            f"a test run on an input of shape {list(model.input_spec.shape)} failed ({first}); "
            "give the model's input shape"
        )
        log.info("dry run failed", exc_info=True)
        return
    flops = counter.get_total_flops()
    desc.flops = int(flops) if flops else None
    desc.outputs = [_tensor_info(name, t) for name, t in _flatten(output)]
    if (
        len(desc.outputs) == 1
        and desc.outputs[0]["shape"][-1:] == [1000]
        and len(desc.outputs[0]["shape"]) == 2
    ):
        desc.imagenet_classifier = True


def _flatten(output, prefix: str = "output"):
    import torch

    if isinstance(output, torch.Tensor):
        yield prefix, output
    elif isinstance(output, dict):
        for key, value in output.items():
            yield from _flatten(value, f"{prefix}.{key}")
    elif isinstance(output, (list, tuple)):
        for i, value in enumerate(output):
            yield from _flatten(value, f"{prefix}[{i}]")


def _tensor_info(name: str, tensor) -> dict:
    return {
        "name": name,
        "shape": list(tensor.shape),
        "dtype": str(tensor.dtype).replace("torch.", ""),
    }


# --- formats the studio inspects but does not run here -----------------------------------


def _describe_onnx(model: LoadedModel, desc: Description) -> None:
    import onnx
    from onnx import numpy_helper

    from studio.errors import ModelFileError

    try:
        proto = onnx.load(str(model.path), load_external_data=False)
    except Exception as exc:
        raise ModelFileError(f"{model.path.name} is not a readable ONNX model ({exc})") from None
    graph = proto.graph
    initializers = {i.name for i in graph.initializer}
    counts: Counter = Counter()
    for init in graph.initializer:
        counts[onnx.helper.tensor_dtype_to_np_dtype(init.data_type).name] += int(
            numpy_helper.to_array(init).size if not init.external_data else 0
        )
    desc.parameters = sum(counts.values())
    desc.dtypes = dict(counts)
    desc.inputs = [_onnx_value(v) for v in graph.input if v.name not in initializers]
    desc.outputs = [_onnx_value(v) for v in graph.output]
    desc.layer_types = dict(Counter(n.op_type for n in graph.node).most_common())
    desc.details = {
        "opsets": {imp.domain or "ai.onnx": imp.version for imp in proto.opset_import},
        "ir_version": proto.ir_version,
        "producer": f"{proto.producer_name} {proto.producer_version}".strip(),
        "nodes": len(graph.node),
    }
    desc.architecture = desc.architecture or graph.name or None
    if desc.outputs and desc.outputs[0]["shape"][-1:] == [1000]:
        desc.imagenet_classifier = True


def _onnx_value(value) -> dict:
    import onnx

    t = value.type.tensor_type
    shape = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in t.shape.dim]
    dtype = onnx.helper.tensor_dtype_to_np_dtype(t.elem_type).name if t.elem_type else "?"
    return {"name": value.name, "shape": shape, "dtype": dtype}


def _describe_ort(model: LoadedModel, desc: Description) -> None:
    """An ORT-format model's inputs and outputs, as ONNX Runtime reads them."""
    import onnxruntime

    from studio.errors import ModelFileError
    from studio.runtimes.base import first_line

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    # read as ORT format whatever the file is called (ONNX Runtime goes by the suffix)
    options.add_session_config_entry("session.load_model_format", "ORT")
    try:
        session = onnxruntime.InferenceSession(
            str(model.path), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:
        raise ModelFileError(
            f"{model.path.name} is not a readable ONNX Runtime model ({first_line(exc)})"
        ) from None
    desc.inputs = [_ort_value(v) for v in session.get_inputs()]
    desc.outputs = [_ort_value(v) for v in session.get_outputs()]


def _ort_value(value) -> dict:
    from studio.runtimes.onnxruntime_runner import ONNX_TYPES

    shape = [d if isinstance(d, int) else (d or "?") for d in value.shape]
    return {"name": value.name, "shape": shape, "dtype": ONNX_TYPES.get(value.type, value.type)}


def _describe_pte(model: LoadedModel, desc: Description) -> None:
    from studio.errors import ModelFileError

    try:
        from executorch.runtime import Runtime

        program = Runtime.get().load_program(str(model.path))
        methods = sorted(program.method_names)
        desc.details["methods"] = methods
        if "forward" in methods:
            meta = program.metadata("forward")
            desc.inputs = [
                _et_tensor(f"input{i}", meta.input_tensor_meta(i)) for i in range(meta.num_inputs())
            ]
            desc.outputs = [
                _et_tensor(f"output{i}", meta.output_tensor_meta(i))
                for i in range(meta.num_outputs())
            ]
    except Exception as exc:
        raise ModelFileError(
            f"{model.path.name} is not a readable ExecuTorch program ({exc})"
        ) from None


def _et_tensor(name: str, meta) -> dict:
    from studio.runtimes.executorch_runner import SCALAR_TYPES

    code = meta.dtype()  # a c10::ScalarType code (6 is float32)
    dtype = SCALAR_TYPES.get(int(code), str(code)) if isinstance(code, int) else str(code)
    return {"name": name, "shape": list(meta.sizes()), "dtype": dtype.split(".")[-1].lower()}


def _describe_ptl(model: LoadedModel, desc: Description) -> None:
    import torch

    from studio.errors import ModelFileError

    try:
        from torch.jit.mobile import _get_model_bytecode_version, _load_for_lite_interpreter

        desc.details["bytecode_version"] = int(_get_model_bytecode_version(str(model.path)))
        with deadline(f"opening {model.path.name}"):  # runs the file's __setstate__ code
            lite = _load_for_lite_interpreter(str(model.path))
        ops = (
            torch._C._export_operator_list(lite._c)
            if hasattr(torch._C, "_export_operator_list")
            else set()
        )
        desc.details["operators"] = sorted(ops)
    except Exception as exc:
        raise ModelFileError(
            f"{model.path.name} is not a readable PyTorch Lite model ({exc})"
        ) from None
