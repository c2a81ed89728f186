"""The capture -> pipeline hand-over keeps only the newest frame and counts what it dropped."""

from __future__ import annotations

import threading
import time

from core.frame.mailbox import LatestSlot


def test_a_slow_consumer_gets_the_newest_item_and_the_rest_are_counted_as_dropped():
    slot: LatestSlot[int] = LatestSlot()
    for k in range(10):
        slot.put(k)
    assert slot.take(0.1) == 9
    assert slot.dropped == 9 and slot.take(0.01) is None


def test_lossless_put_waits_for_the_consumer():
    slot: LatestSlot[int] = LatestSlot()
    got = []

    def consume():
        while len(got) < 20:
            item = slot.take(1.0)
            if item is not None:
                got.append(item)
            time.sleep(0.001)

    t = threading.Thread(target=consume)
    t.start()
    for k in range(20):
        assert slot.put_when_empty(k, 2.0)
    t.join()
    assert got == list(range(20)) and slot.dropped == 0


def test_close_wakes_a_waiting_consumer():
    slot: LatestSlot[int] = LatestSlot()
    threading.Timer(0.05, slot.close).start()
    start = time.monotonic()
    assert slot.take(5.0) is None
    assert time.monotonic() - start < 1.0


def test_the_producer_can_wait_until_its_last_item_was_taken():
    slot: LatestSlot[int] = LatestSlot()
    slot.put(1)
    assert not slot.wait_taken(0.05)
    threading.Timer(0.05, slot.take).start()
    assert slot.wait_taken(2.0)
