"""Write the bundled runtime profiles (studio/resources/runtimes/*.json) from the installed packages.

    python scripts/generate_runtime_profiles.py [--out DIR] [--check]

- executorch-portable / executorch-xnnpack: the kernel registry of the installed ExecuTorch
  runtime (executorch.runtime.Runtime.operator_registry); the XNNPACK profile adds the
  XnnpackBackend delegate.
- ort-cpu / ort-nnapi / ort-coreml: the CPU kernels of the installed onnxruntime
  (get_all_opkernel_def), the highest opset it loads (probed), and the NNAPI and CoreML
  (ML Program) tables shipped in onnxruntime.tools.mobile_helpers.
- pytorch-lite-vN: a pytorch_android_lite runtime described by the newest bytecode version
  it reads. Its operators are those of a full (non-selective) build: every aten, prim and
  quantized operator.
- pytorch-android: pytorch_android, the full TorchScript interpreter for Android, which
  reads .pt files; the operators of a full build, as for the Lite runtimes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.compat import installed
from studio.compat.profiles import (
    EXECUTORCH,
    ONNXRUNTIME,
    PYTORCH_LITE,
    TORCHSCRIPT,
    RuntimeProfile,
)
from studio.fileio import write_text_atomic
from studio.paths import resource

LITE_NAMESPACES = ["aten", "prim", "quantized", "_quantized"]
LITE_SOURCE = (
    "caffe2/serialize/versions.h (bytecode history; v7 = operators with default plus out "
    "arguments, v8 = promoted operators emitted as instructions) and the load errors the "
    "Lite interpreter reports ('The model version must be between 3 and 5' on 1.9, "
    "'between 3 and 7' before 1.12)"
)

# (highest bytecode version read, lowest, pytorch_android_lite releases that read it)
LITE_RUNTIMES = [
    (5, 3, ["1.9"]),
    (7, 3, ["1.10", "1.11"]),
    (8, 4, ["1.12", "1.13"]),
]


def lite_profiles() -> list[RuntimeProfile]:
    return [
        RuntimeProfile(
            name=f"pytorch-lite-v{high}",
            title=f"PyTorch Lite {'/'.join(releases)} (pytorch_android_lite), bytecode up to v{high}",
            family=PYTORCH_LITE,
            formats=["ptl"],
            runtime_version="/".join(releases),
            min_bytecode_version=low,
            max_bytecode_version=high,
            operator_namespaces=LITE_NAMESPACES,
            releases=[f"org.pytorch:pytorch_android_lite:{r}" for r in releases],
            source=LITE_SOURCE,
            notes=[
                "A full build of the Lite runtime has every standard operator; an app built "
                "with a selective (trimmed) build may lack some.",
                "Operators added to PyTorch after this release are not checked by name.",
            ],
        )
        for high, low, releases in LITE_RUNTIMES
    ]


ANDROID_RELEASE = "1.13.1"  # the last release of org.pytorch:pytorch_android


def torchscript_profiles() -> list[RuntimeProfile]:
    return [
        RuntimeProfile(
            name="pytorch-android",
            title=f"PyTorch Android {ANDROID_RELEASE} (pytorch_android, full TorchScript)",
            family=TORCHSCRIPT,
            formats=["pt"],
            runtime_version=ANDROID_RELEASE,
            operator_namespaces=LITE_NAMESPACES,
            releases=[f"org.pytorch:pytorch_android:{ANDROID_RELEASE}"],
            source="org.pytorch:pytorch_android loads TorchScript files saved with "
            "torch.jit.save (Module.load); a full build carries every aten, prim and "
            "quantized operator",
            notes=[
                "pytorch_android is no longer released; new Android apps use ExecuTorch (.pte) "
                "or PyTorch Lite (.ptl).",
                "torchvision's operators (torchvision::nms, ...) are not part of it; an app "
                "needs torchvision's operator library linked in to run them.",
                "Operators added to PyTorch after this release are not checked by name.",
            ],
        )
    ]


def executorch_profiles() -> list[RuntimeProfile]:
    version, kernels, _backends = installed.executorch_kernels()
    source = f"ExecuTorch {version} kernel registry (executorch.runtime.Runtime.operator_registry)"
    common = dict(family=EXECUTORCH, formats=["pte"], runtime_version=version, operators=kernels)
    return [
        RuntimeProfile(
            name="executorch-portable",
            title=f"ExecuTorch {version}, portable kernels only",
            source=source,
            notes=["No delegates: a program lowered to a backend does not load here."],
            **common,
        ),
        RuntimeProfile(
            name="executorch-xnnpack",
            title=f"ExecuTorch {version} with the XNNPACK backend",
            accelerator="XNNPACK",
            backends=["XnnpackBackend"],
            source=source + " plus the XnnpackBackend delegate",
            **common,
        ),
    ]


def ort_profiles() -> list[RuntimeProfile]:
    import onnxruntime as ort

    kernels = installed.ort_cpu_kernels()
    opsets = installed.ort_opsets(kernels)
    version = ort.__version__
    source = f"onnxruntime {version}: CPU kernel registry (get_all_opkernel_def), opset probe"
    common = dict(
        family=ONNXRUNTIME,
        formats=["onnx", "ort"],
        runtime_version=version,
        opsets=opsets,
        operators=kernels,
    )
    return [
        RuntimeProfile(
            name="ort-cpu", title=f"ONNX Runtime {version}, CPU", source=source, **common
        ),
        RuntimeProfile(
            name="ort-nnapi",
            title=f"ONNX Runtime {version} with NNAPI (Android)",
            accelerator="NNAPI",
            accelerated_operators=installed.ep_table("nnapi_supported_ops.md"),
            fixed_shapes_required=True,
            source=source + "; onnxruntime.tools.mobile_helpers/nnapi_supported_ops.md",
            notes=[
                "Operators NNAPI does not take run on the CPU; every switch between NNAPI "
                "and the CPU copies tensors and costs time."
            ],
            **common,
        ),
        RuntimeProfile(
            name="ort-coreml",
            title=f"ONNX Runtime {version} with CoreML, ML Program (iOS/macOS)",
            accelerator="CoreML",
            accelerated_operators=installed.ep_table("coreml_supported_mlprogram_ops.md"),
            source=source + "; onnxruntime.tools.mobile_helpers/coreml_supported_mlprogram_ops.md",
            notes=["Operators CoreML does not take run on the CPU."],
            **common,
        ),
    ]


def all_profiles() -> list[RuntimeProfile]:
    return lite_profiles() + torchscript_profiles() + executorch_profiles() + ort_profiles()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=resource("runtimes"), help="output folder")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when the files in --out differ from what the installed "
        "packages give (after a runtime upgrade)",
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = [
            p.name
            for p in all_profiles()
            if not (args.out / f"{p.name}.json").is_file()
            or (args.out / f"{p.name}.json").read_text(encoding="utf-8") != p.to_json()
        ]
        for name in stale:
            print(f"out of date: {args.out / name}.json", file=sys.stderr)
        return 1 if stale else 0
    for profile in all_profiles():
        target = args.out / f"{profile.name}.json"
        write_text_atomic(target, profile.to_json())
        print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
