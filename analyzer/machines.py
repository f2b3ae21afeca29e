"""Declared machines, and a roofline that turns flops, traffic and launches into one estimate of time.

A ``Machine`` declares a peak flop rate, the bandwidth of its slow memory, the overhead of
launching one array operation and the size of its fast memory. ``estimated_seconds`` is the
roofline with launch overhead: arithmetic and data movement overlap, launches do not::

    seconds = max(flops / peak_flops, traffic_bytes / bandwidth) + launches * launch_overhead

``seconds_of`` converts one measure alone (``flops``, ``traffic`` or ``launches``) into seconds,
so each mechanism's removable work can be priced in the same currency; ``serial_seconds`` adds
the three without overlap, the form attribution divides among mechanisms (``Priced``).

Presets and their sources (float64 figures, as the probes compute in float64):

- ``CPU_CORE``: one core of an AMD EPYC 7763 (Zen 3, "Milan"; 64 cores, 2.45 GHz base).
  Peak: 2.45 GHz x 16 float64 flops per cycle (two 256-bit FMA pipes: 2 x 4 lanes x 2 flops)
  = 39.2 GFLOP/s. Slow memory: eight channels of DDR4-3200 per socket, 8 x 3200 MT/s x 8 bytes
  = 204.8 GB/s, shared by 64 cores: 3.2 GB/s per core when all of them stream (one core alone
  draws more; this is the fair share). Fast memory: the core's 512 KiB L2. Launch overhead: 1 us,
  the order of numpy's per-call cost on a tiny array (``bench/bench_analyzer.py``, "np.add on 16
  floats ... untraced"): a measurement of this repository, not a datasheet figure.
  Sources: AnandTech, "AMD 3rd Gen EPYC Milan Review" (2021), every 7003 part has 8 channels of
  DDR4-3200, https://www.anandtech.com/show/16529/amd-epyc-milan-review ; TechGage, "AMD EPYC
  Milan launch" (2021), 7763: 64 cores, 2.45 GHz base,
  https://techgage.com/article/amd-epyc-milan-launch-performance/ ; Zen 3: 512 KB L2 per core
  (Wikipedia, "Zen 3"), two 256-bit FMA units per core (measured by flatlib's vfpbench,
  https://wlog.flatlib.jp/2024/01/13/ryzen-zen3-vfpbench/).
- ``GPU``: an NVIDIA A100 40GB (SXM4). Peak 9.7 TFLOP/s float64 (19.5 on tensor cores; float32
  19.5, bfloat16/float16 tensor 312); HBM2 bandwidth 1,555 GB/s (NVIDIA A100 datasheet,
  https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf ,
  and the NVIDIA Ampere architecture whitepaper). Fast memory: 192 KB of combined L1 / shared
  memory per SM (whitepaper; the SRAM FlashAttention tiles for, Dao et al. 2022, arXiv
  2205.14135, section 2.1). Launch overhead: 5 us, an assumed order of magnitude for a CUDA
  kernel launch; no datasheet states it and we did not verify a published figure.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Machine:
    name: str
    peak_flops: float           # flop/s
    bandwidth: float            # bytes/s between slow and fast memory
    launch_overhead: float      # seconds per array operation launched
    fast_memory: int            # bytes
    source: str = ""

    def __post_init__(self) -> None:
        for field in ("peak_flops", "bandwidth", "fast_memory"):
            if not getattr(self, field) > 0:
                raise ValueError(f"machine '{self.name}': {field} must be positive")
        if self.launch_overhead < 0:
            raise ValueError(f"machine '{self.name}': launch_overhead must not be negative")

    def seconds_of(self, measure: str, amount: float) -> float:
        """Seconds one measure costs alone: ``flops``, ``traffic`` (bytes) or ``launches``.

        >>> CPU_CORE.seconds_of("traffic", 3.2e9)
        1.0
        """
        if measure == "flops":
            return amount / self.peak_flops
        if measure == "traffic":
            return amount / self.bandwidth
        if measure == "launches":
            return amount * self.launch_overhead
        raise ValueError(f"no measure '{measure}' (known: flops, traffic, launches)")

    def serial_seconds(self, flops: float, traffic_bytes: float, launches: int) -> float:
        """Every measure priced and added, none overlapped: what attribution divides, since its
        parts add up (the roofline's ``max`` does not split by mechanism).

        >>> GPU.serial_seconds(9.7e12, 1.555e12 * 2, 0)         # 1 s of arithmetic + 2 s of traffic
        3.0
        """
        return self.seconds_of("flops", flops) + self.seconds_of("traffic", traffic_bytes) \
            + self.seconds_of("launches", launches)

    def estimated_seconds(self, flops: float, traffic_bytes: float, launches: int) -> float:
        """The roofline with launch overhead (see the module docstring).

        >>> GPU.estimated_seconds(9.7e12, 1.555e12 * 2, 0)      # memory-bound: 2 s of traffic
        2.0
        """
        return max(self.seconds_of("flops", flops), self.seconds_of("traffic", traffic_bytes)) \
            + self.seconds_of("launches", launches)


def seconds_text(s: float, micro: str = "µs") -> str:
    """A duration in the unit that keeps it readable (``micro``: how microseconds are written).

    >>> seconds_text(0.0123), seconds_text(2.5e-6), seconds_text(4e-10), seconds_text(2.5e-6, "us")
    ('12.3 ms', '2.5 µs', '0.4 ns', '2.5 us')
    """
    for unit, scale in (("s", 1.0), ("ms", 1e-3), (micro, 1e-6)):
        if abs(s) >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


CPU_CORE = Machine("cpu-core", peak_flops=2.45e9 * 16, bandwidth=204.8e9 / 64, launch_overhead=1e-6,
                   fast_memory=512 * 1024, source="one core of an AMD EPYC 7763 (Zen 3)")
GPU = Machine("gpu", peak_flops=9.7e12, bandwidth=1555e9, launch_overhead=5e-6,
              fast_memory=192 * 1024, source="NVIDIA A100 40GB (SXM4), float64, one SM's SRAM")
MACHINES = {m.name: m for m in (CPU_CORE, GPU)}
DEFAULT_MACHINE = CPU_CORE


def machine(name: str) -> Machine:
    """A preset by name; ValueError names the known ones."""
    try:
        return MACHINES[name]
    except KeyError:
        raise ValueError(f"no machine '{name}' (known: {', '.join(MACHINES)})") from None
