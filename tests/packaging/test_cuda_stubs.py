"""CUDA stubs: a library built against a real 'CUDA runtime' loads and runs against its stub."""

from __future__ import annotations

import ctypes
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not (shutil.which("cc") and shutil.which("readelf")),
    reason="CUDA stubs are built on Linux only, with cc and readelf",
)


def load_cuda_stubs():
    """packaging/cuda_stubs.py (a build script's module, not part of the studio package)."""
    if "cuda_stubs" not in sys.modules:
        path = ROOT / "packaging" / "cuda_stubs.py"
        spec = importlib.util.spec_from_file_location("cuda_stubs", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["cuda_stubs"] = module
        spec.loader.exec_module(module)
    return sys.modules["cuda_stubs"]


REAL_RUNTIME = r"""
int cuda_table[4] = {3, 7, 11, 13};
int cudaGetDeviceCount(int *count) { *count = 2; return 0; }
const char *cudaGetErrorString(int error) { return "real"; }
int helper_value(void) { return 42; }
int unused_by_anyone(void) { return 5; }
"""

USER = r"""
extern int cuda_table[4];
int cudaGetDeviceCount(int *count);
const char *cudaGetErrorString(int error);
int helper_value(void);
int user_probe(void) { int n = -1; return cudaGetDeviceCount(&n); }
int user_helper(void) { return helper_value(); }
int user_table(void) { return cuda_table[1]; }
const char *user_message(void) { return cudaGetErrorString(100); }
"""


def compile_library(folder: Path, name: str, source: str, *extra: str) -> Path:
    path = folder / name
    (folder / f"{name}.c").write_text(source)
    subprocess.run(
        ["cc", "-shared", "-fPIC", "-o", str(path), str(folder / f"{name}.c"), *extra],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A versioned 'libcudart.so.13', a user library linked to it, and the stub made for it."""
    real_dir = tmp_path_factory.mktemp("real")
    (real_dir / "runtime.map").write_text("libcudart.so.13 { global: *; };\n")
    real = compile_library(
        real_dir,
        "libcudart.so.13",
        REAL_RUNTIME,
        "-Wl,-soname,libcudart.so.13",
        f"-Wl,--version-script={real_dir / 'runtime.map'}",
    )
    user = compile_library(
        real_dir, "libuser.so", USER, f"-L{real_dir}", "-l:libcudart.so.13", "-Wl,-rpath,$ORIGIN"
    )
    stubs = load_cuda_stubs().make_stubs([user], [real], tmp_path_factory.mktemp("stubs"))
    stub_dir = tmp_path_factory.mktemp("stubbed")
    shutil.copy2(user, stub_dir / "libuser.so")
    shutil.copy2(stubs["libcudart.so.13"], stub_dir / "libcudart.so.13")
    return real_dir, stub_dir, stubs


def probe(folder: Path) -> tuple[int, int, int, bytes]:
    # A subprocess: a library, once loaded, stays in this process under its soname.
    code = (
        "import ctypes, sys;"
        f"lib = ctypes.CDLL({str(folder / 'libuser.so')!r});"
        "lib.user_message.restype = ctypes.c_char_p;"
        "print(lib.user_probe(), lib.user_helper(), lib.user_table(), lib.user_message().decode())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    probe_value, helper, table, message = out.stdout.split(maxsplit=3)
    return int(probe_value), int(helper), int(table), message.strip()


def test_the_real_library_answers_as_a_gpu_would(built):
    real_dir, _, _ = built
    assert probe(real_dir) == (0, 42, 7, "real")


def test_the_stub_loads_with_the_symbol_versions_and_reports_no_device(built):
    _, stub_dir, stubs = built
    count, helper, table, message = probe(stub_dir)
    assert count == 100  # cudaErrorNoDevice
    assert helper == 0 and table == 0
    assert "not available" in message
    assert sorted(stubs) == ["libcudart.so.13"]


def test_the_stub_defines_only_what_users_need(built):
    _, _, stubs = built
    symbols = subprocess.run(
        ["readelf", "--dyn-syms", "-W", str(stubs["libcudart.so.13"])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "cudaGetDeviceCount@@libcudart.so.13" in symbols
    assert "unused_by_anyone" not in symbols
    assert stubs["libcudart.so.13"].stat().st_size < 100_000


def test_a_stub_library_loads_in_this_process_too(built):
    _, stub_dir, _ = built
    library = ctypes.CDLL(str(stub_dir / "libcudart.so.13"))
    assert library.cudaGetDeviceCount(None) == 100


@pytest.mark.parametrize(
    ("dest", "cuda"),
    [
        ("nvidia/cu13/lib/libcublas.so.13", True),
        ("nvidia/cudnn/lib/libcudnn.so.9", True),
        ("torch/lib/libtorch_cuda_linalg.so", True),
        ("torch/lib/libtorch_nvshmem.so", True),
        ("torchvision.libs/libcudart.faf08d9a.so.13", True),
        ("triton/_C/libtriton.so", True),
        ("torch/lib/libtorch_cpu.so", False),
        ("torch/lib/libtorch_cuda.so", False),  # kept: its CUDA hooks find no device
        ("torch/lib/libc10.so", False),
        ("onnxruntime/capi/libonnxruntime.so.1", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", False),
        ("torch\\lib\\c10.dll", False),
    ],
)
def test_which_libraries_count_as_cuda(dest, cuda):
    assert load_cuda_stubs().is_cuda_library(dest) is cuda
