"""Reasoning a cohort on a cluster: the Apache Spark job (:mod:`netkg.distributed.spark_job`, docs/distributed.md)."""
