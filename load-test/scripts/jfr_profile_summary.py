#!/usr/bin/env python3
"""Summarizes the CPU samples of a Java Flight Recorder file of PipelineThroughputHarness.

    jfr print --events jdk.ExecutionSample --stack-depth 256 run.jfr > samples.txt
    python3 load-test/scripts/jfr_profile_summary.py samples.txt [HH:MM:SS.mmm-end]

Prints, as shares of all samples: the top frames (self), the threads (Flink names a task thread
after its operator chain, so this is CPU by operator chain), each sample's activity (the frame
nearest the top that is RocksDB state, network (de)serialization, a chaining copy, ...), and the
inclusive share of the stages. An optional end time keeps the samples up to it (the whole-job run
comes first in the harness when run with --modes full,ingest).
"""
import collections
import re
import sys

ACTIVITIES = [
    ("chaining copy (object reuse off)", r"\.copy\(|deepCopy|CopyingChainingOutput\.pushToOperator"),
    ("RocksDB state access", r"org\.apache\.flink\.state\.rocksdb|org\.rocksdb"),
    ("heap state access", r"org\.apache\.flink\.runtime\.state\.heap"),
    ("network serialize (RecordWriter)", r"RecordWriter\.(serializeRecord|emit)"),
    ("network deserialize", r"SpillingAdaptiveSpanningRecordDeserializer|StreamElementSerializer\.deserialize"),
    ("Kafka source record -> RawTelemetry", r"RawTelemetryDeserializer"),
    ("Kafka sink serialization (OutputRecordSerializer)", r"OutputRecordSerializer"),
    ("checkpoint/snapshot", r"snapshotState|Checkpoint"),
]
STAGES = [
    ("ingest: spans (decode, RED windows, edges)", r"spans|RED per interval|match client|call edges"),
    ("ingest: metrics (decode, delta, series cap)", r"metrics -> decode|cumulative to delta|^series cap"),
    ("ingest: logs (decode, severity, templates)", r"logs -> decode|log severity|mine log|log templates"),
    ("anomaly detection", r"^anomaly"),
    ("SLO engine", r"^SLO "),
    ("correlation + summarizer (+ chained candidate sinks)", r"^correlation"),
    ("Kafka sinks (own chains)", r"^kafka "),
    ("Kafka broker", r"kafka-request-handler|kafka-network|raft|kafka-0|group-coordinator|metadata|controller"),
    ("Flink runtime, checkpoints", r"pekko|jobmanager|AsyncOperations|[Ff]link|Checkpoint"),
    ("main (generator)", r"^main$"),
]


def main():
    events = open(sys.argv[1]).read().split("jdk.ExecutionSample {")[1:]
    end = sys.argv[2] if len(sys.argv) > 2 else None
    top, threads, activity, stage = (collections.Counter() for _ in range(4))
    n = 0
    for ev in events:
        t = re.search(r"startTime = ([\d:.]+)", ev)
        if end and t and t.group(1) > end:
            continue
        frames = re.findall(r"^\s+([\w$.<>/]+)\(.*?\)\s+line:", ev, re.M)
        if not frames:
            continue
        n += 1
        th = re.search(r'sampledThread = "([^"]*)"', ev)
        th = th.group(1) if th else "?"
        th = re.sub(r"\(\d+/\d+\)#\d+", "(n/p)", th)
        th = re.sub(r"-\d+$", "-N", th)
        top[frames[0]] += 1
        threads[th] += 1
        kind = "operator code and the rest"
        for f in frames:
            hit = next((name for name, pat in ACTIVITIES if re.search(pat, f + "(")), None)
            if hit:
                kind = hit
                break
        activity[kind] += 1
        stage[next((name for name, pat in STAGES if re.search(pat, th)), "other")] += 1
    print(f"samples: {n}")
    for title, counter, k in [
        ("top frames (self)", top, 25),
        ("threads (operator chains)", threads, 30),
        ("activity (nearest matching frame)", activity, 20),
        ("stages (by thread)", stage, 20),
    ]:
        print(f"\n== {title}")
        for key, v in counter.most_common(k):
            print(f"{100.0 * v / n:5.1f}%  {v:6d}  {key}")


if __name__ == "__main__":
    main()
