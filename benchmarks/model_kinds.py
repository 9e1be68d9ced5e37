"""Model kinds x targets: what ``model-studio convert`` makes of a vision classifier, a text
encoder, an audio model and two detectors, for pt, ptl, pte and onnx (float32).

Each model is saved as a weights file (state dict, or safetensors for the text encoder) with
its architecture named on the command line, the way a user gives it, and converted once per
target so that one target's failure does not hide another's result. For every pair it
prints the exit code, the verdict, the target's build time (the report's ``build_seconds``),
the artifact's size, and the first line of the error when there is one; for every model the
checkpoint's size. The last line printed is one JSON object.

    python benchmarks/model_kinds.py [--kinds classifier,text,audio,detector,ssdlite]
        [--targets pt,ptl,pte,onnx] [--verify-samples 4]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
sys.path.insert(0, str(TESTS))


class SmallCNN(torch.nn.Module):
    """A small image classifier: three conv blocks and a linear head, 10 classes."""

    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(3, 16, 3, padding=1),
            torch.nn.BatchNorm2d(16),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(16, 32, 3, padding=1),
            torch.nn.BatchNorm2d(32),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(32, 64, 3, padding=1),
            torch.nn.ReLU(),
            torch.nn.AdaptiveAvgPool2d(1),
        )
        self.head = torch.nn.Linear(64, 10)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))


def _state(model: torch.nn.Module, path: Path) -> Path:
    torch.save(model.state_dict(), path)
    return path


def models(folder: Path) -> dict:
    """Each kind's builder: it saves the checkpoint and gives the convert options that name
    its architecture and inputs."""
    import detection_models
    import text_models

    def classifier():
        torch.manual_seed(0)
        options = ["--arch", f"{Path(__file__).resolve()}:SmallCNN", "--trust"]
        return _state(SmallCNN().eval(), folder / "classifier.pth"), options + [
            "--input-shape",
            "1,3,64,64",
        ]

    def text():
        length = text_models.LENGTH
        options = ["--arch", f"{TESTS / 'text_models.py'}:TextEncoder", "--trust"]
        options += ["--input", f"ids:1,{length}:int64", "--input", f"mask:1,{length}:int64"]
        return text_models.save_text_encoder(folder / "encoder.safetensors"), options

    def audio():
        from convert.test_dynamic_int8_honest import AudioNet

        torch.manual_seed(0)
        arch = f"{TESTS / 'convert' / 'test_dynamic_int8_honest.py'}:AudioNet"
        options = ["--arch", arch, "--trust", "--input-shape", "1,1,16000"]
        return _state(AudioNet().eval(), folder / "audio.pth"), options

    def detector():
        options = ["--arch", f"{TESTS / 'detection_models.py'}:TinyDetector", "--trust"]
        options += ["--input-shape", "1,3,64,64"]
        return _state(detection_models.tiny_detector(), folder / "detector.pth"), options

    def ssdlite():
        options = ["--arch", "ssdlite320_mobilenet_v3_large", "--input-shape", "1,3,320,320"]
        return _state(detection_models.ssdlite(), folder / "ssdlite.pth"), options

    return {
        "classifier": classifier,
        "text": text,
        "audio": audio,
        "detector": detector,
        "ssdlite": ssdlite,
    }


def convert_one(model: Path, options: list[str], target: str, out: Path, samples: int) -> dict:
    from studio.cli import main

    args = ["convert", str(model), *options, "--target", target, "--out", str(out)]
    args += ["--verify-samples", str(samples), "--json"]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(args)
        except BaseException as exc:  # an old build may let an error escape
            code, stderr = 4, io.StringIO(f"{type(exc).__name__}: {exc}")
    row = {"exit": code, "verdict": None, "seconds": None, "bytes": None, "error": None}
    if code == 0 or stdout.getvalue().strip().startswith("{"):
        try:
            doc = json.loads(stdout.getvalue())
        except ValueError:
            doc = None
        if doc and doc.get("artifacts"):
            artifact = doc["artifacts"][0]
            verification = artifact.get("verification") or {}
            row.update(
                verdict=verification.get("verdict"),
                seconds=round(artifact["build_seconds"], 2),
                bytes=artifact["size_bytes"],
                reasons=verification.get("reasons"),
            )
    if code != 0 and row["verdict"] is None:
        lines = [line for line in stderr.getvalue().splitlines() if line.strip()]
        errors = [line for line in lines if "[" not in line or "error" in line.lower()]
        row["error"] = (errors or lines or [""])[-1][:300]
    return row


def run(kinds: list[str], targets: list[str], samples: int) -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table = models(folder)
        for kind in kinds:
            checkpoint, options = table[kind]()
            row = {"checkpoint_bytes": checkpoint.stat().st_size, "targets": {}}
            for target in targets:
                out = folder / f"{kind}-{target}"
                row["targets"][target] = convert_one(checkpoint, options, target, out, samples)
                print(kind, target, json.dumps(row["targets"][target]), flush=True)
            results[kind] = row
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="classifier,text,audio,detector,ssdlite")
    parser.add_argument("--targets", default="pt,ptl,pte,onnx")
    parser.add_argument("--verify-samples", type=int, default=4)
    args = parser.parse_args()
    results = run(args.kinds.split(","), args.targets.split(","), args.verify_samples)
    import studio

    print(json.dumps({"studio": str(Path(studio.__file__).parent), "kinds": results}))


if __name__ == "__main__":
    main()
