"""Energy per inference and run conditions from synthetic telemetry series (no device)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from studio.agent import energy, telemetry
from studio.agent.conditions import run_conditions
from studio.agent.run_telemetry import conditions_line, run_telemetry

CLUSTERS = [
    {"name": "little", "cores": [0, 1], "max_khz": 1_800_000},
    {"name": "big", "cores": [2, 3], "max_khz": 2_800_000},
]


def sample(t_us, phase="run", current=300.0, volts=4.0, freqs=None, temps=None, **cell):
    battery = {"level": 60, "temp_c": 30.0, "current_ma": current, "voltage_v": volts}
    battery |= {"status": "Discharging", "charging": False, "powered": False} | cell
    return {
        "t_us": t_us,
        "phase": phase,
        "cpu_freq_khz": freqs or [600_000, 600_000, 2_800_000, 2_800_000],
        "temp_c": temps or {"soc": 40.0},
        "battery": battery,
    }


def test_energy_is_power_above_idle_times_time_per_inference():
    idle = [sample(t, "idle", current=c) for t, c in ((0, 90), (1, 110), (2, 100))]
    run = [sample(t, current=c) for t, c in ((10, 490), (11, 510), (12, 500), (13, 500))]
    doc = energy.energy_per_inference(idle, run, inferences=1000, span_s=4.0)
    # (500 mA - 100 mA) x 4 V = 1600 mW over 4 s = 6400 mJ, over 1000 inferences
    assert doc["mj_per_inference"] == pytest.approx(6.4)
    assert doc["run_power_mw"] == pytest.approx(2000) and doc["idle_power_mw"] == pytest.approx(400)
    # one standard error of each mean, in quadrature, scaled the same way
    se_run = np.std([1960, 2040, 2000, 2000], ddof=1) / 2
    se_idle = np.std([360, 440, 400], ddof=1) / math.sqrt(3)
    assert doc["uncertainty_mj"] == pytest.approx(math.hypot(se_run, se_idle) * 4 / 1000, rel=1e-4)
    assert doc["reason"] is None and doc["run_samples"] == 4 and doc["idle_samples"] == 3


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"charging": True, "status": "Charging"}, energy.CHARGING),
        ({"powered": True, "status": "Full"}, energy.POWERED),
        ({"current_ma": None}, energy.UNREADABLE),
    ],
)
def test_energy_says_plainly_why_it_cannot_be_measured(change, reason):
    idle = [sample(t, "idle", current=100) for t in range(3)]
    run = [sample(t, current=500) for t in range(10, 14)]
    for s in idle + run:
        s["battery"].update(change)
    doc = energy.energy_per_inference(idle, run, 100, 4.0)
    assert doc == {"mj_per_inference": None, "reason": reason}


def test_energy_needs_a_baseline_and_a_long_enough_run():
    run = [sample(t) for t in range(4)]
    assert energy.energy_per_inference([], run, 10, 1.0)["reason"] == energy.NO_BASELINE
    idle = [sample(t, "idle") for t in range(3)]
    assert energy.energy_per_inference(idle, run[:1], 10, 1.0)["reason"] == energy.TOO_SHORT


def test_current_now_sign_and_unit_heuristic():
    assert telemetry.current_ma(-450_000, "Discharging") == 450.0  # µA, either sign
    assert telemetry.current_ma(450_000, "Discharging") == 450.0
    assert telemetry.current_ma(800_000, "Charging") == -800.0
    assert telemetry.current_ma(-450_000, "Full") == 450.0  # the kernel's: negative drains
    assert telemetry.current_ma(-450, "Discharging") == 450.0  # mA
    assert telemetry.current_ma(None, "Discharging") is None


def test_steady_run_on_battery_is_neither_charging_nor_throttled():
    samples = [sample(t) for t in range(6)]
    assert run_conditions(CLUSTERS, {"soc": {"trip_c": 80.0}}, samples) == {
        "charging": False,
        "throttled": False,
        "reason": "",
        "samples": 6,
    }


def test_a_loaded_cluster_falling_below_its_maximum_is_throttling():
    full = [600_000, 600_000, 2_800_000, 2_800_000]
    held = [600_000, 600_000, 1_900_000, 1_900_000]
    samples = [sample(t, freqs=full if t < 3 else held) for t in range(6)]
    doc = run_conditions(CLUSTERS, {}, samples)
    assert doc["throttled"] is True
    assert doc["reason"] == "big cluster fell to 1.90 of 2.80 GHz"
    # one low sample is the scheduler, not throttling; the idle little cores say nothing
    blip = [sample(t, freqs=held if t == 3 else full) for t in range(6)]
    assert run_conditions(CLUSTERS, {}, blip)["throttled"] is False


def test_a_zone_at_its_trip_point_and_charging_are_both_said():
    samples = [sample(t, temps={"soc": 70.0 + 5 * t}, charging=True) for t in range(4)]
    doc = run_conditions(CLUSTERS, {"soc": {"trip_c": 80.0}}, samples)
    assert doc["charging"] is True and doc["throttled"] is True
    assert doc["reason"] == "charging; soc reached 85.0 °C (trip point 80 °C)"
    line = conditions_line(doc, {"mj_per_inference": None, "reason": energy.CHARGING})
    assert line == (
        "conditions: charging, throttled (charging; soc reached 85.0 °C (trip point 80 °C)); "
        "energy not measurable: charging"
    )


def test_run_telemetry_keeps_the_series_and_judges_only_the_measured_window():
    rows = np.array([[i, 1000.0, 10_000_000 + i * 1_000_000] for i in range(4)])  # 10..13 s
    samples = [sample(t * 1_000_000, "idle", current=100) for t in range(3)]
    samples += [sample(t * 1_000_000, current=500) for t in range(10, 14)]
    samples.append(sample(20_000_000, current=5000, charging=True))  # after the run's end
    observed = {"simulated": True, "interval_s": 1.0, "baseline_s": 3.0}
    observed |= {"clusters": CLUSTERS, "zones": {}, "samples": samples}
    doc = run_telemetry(observed, rows)
    assert doc["telemetry"]["samples"] == samples and doc["telemetry"]["simulated"] is True
    assert doc["conditions"]["charging"] is False and doc["conditions"]["samples"] == 4
    assert doc["energy"]["run_samples"] == 4
    # 1600 mW above idle over 3.001 s, 4 inferences
    assert doc["energy"]["mj_per_inference"] == pytest.approx(1600 * 3.001 / 4)


def test_simulated_sensors_ramp_up_under_load_and_charge_per_profile(monkeypatch):
    spec = {"max_freq_khz": [1_000_000] * 2 + [2_000_000] * 2, "battery_level": 50}
    spec |= {"battery_temp_c": 30.0, "charging": False, "usb_powered": False}
    sensors = telemetry.SimulatedSensors({**spec, "battery_level": 51})  # its own state
    idle = sensors.read(False)
    assert max(idle["cpu_freq_khz"]) < 700_000
    sensors.state["t"] -= 5.0  # five seconds of load since
    loaded = sensors.read(True)
    assert loaded["cpu_freq_khz"][3] > 1_900_000
    assert loaded["battery"]["current_ma"] > idle["battery"]["current_ma"] > 0
    assert loaded["temp_c"]["soc"] > idle["temp_c"]["soc"]
    charging = telemetry.SimulatedSensors({**spec, "charging": True}).read(False)["battery"]
    assert charging["charging"] and charging["current_ma"] < 0
    assert [c["name"] for c in sensors.describe()["clusters"]] == ["little", "big"]
