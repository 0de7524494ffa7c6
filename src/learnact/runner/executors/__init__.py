"""Where the units of a run execute: threads in this process, or a Ray cluster.

An executor has ``capacity`` (units in flight at once), ``submit(job)``,
``poll(timeout) -> [(unit_id, payload, error)]`` and ``shutdown()``. Workers return plain
data; only the coordinator writes the run store (local workers also stream learner
decisions to it as they are made).
"""
