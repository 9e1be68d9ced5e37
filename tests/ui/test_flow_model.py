"""The flow starts on the Model tab: the first-start offer opens the sample and a virtual
phone; the model is described and tried; Next leads to the Convert tab."""

from __future__ import annotations

import pytest
from ui_helpers import click, wait_done, wait_virtual_phone


@pytest.mark.slow
def test_the_first_start_offer_opens_the_sample_and_a_virtual_phone(qtbot, window):
    assert window.welcome.isVisible()
    click(qtbot, window.try_sample_button)
    assert not window.welcome.isVisible() and not window.settings.first_run
    wait_done(qtbot, window.model_tab.inspect_job)
    assert window.state.model_ready
    model = window.model_tab
    assert model.summary_labels["architecture"].text() == "digits_cnn"
    assert "[1, 1, 32, 32]" in model.summary_labels["inputs"].text()
    assert model.layers_table.rowCount() >= 2
    assert window.tabs.isTabEnabled(1) and not window.tabs.isTabEnabled(2)
    click(qtbot, model.classify_button)
    wait_done(qtbot, model.classify_job)
    assert model.top_table.rowCount() == 5
    assert model.top_table.item(0, 0).text() == "3"

    virtual = wait_virtual_phone(qtbot, window)  # started by the offer, too
    assert window.state.devices and any(d.serial == virtual.serial for d in window.state.devices)

    click(qtbot, model.next_button)
    assert window.tabs.currentIndex() == 1 and window.convert_tab.isVisible()
