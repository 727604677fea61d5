"""The MLflow Python client's side of the benchmark.

Each command does, with the public MLflow API, the same work as one run of
the mlflow-register CLI, so that the two can be timed from process start to
exit. The tracking URI comes from MLFLOW_TRACKING_URI.

Commands:
  make-source EXPERIMENT            log a tiny model (an MLmodel file) into a
                                    new run; print the run id
  register SOURCE NAME ALIAS        register SOURCE as a new version of NAME,
                                    wait until it is READY, set ALIAS
  upload DIRECTORY EXPERIMENT NAME  log DIRECTORY as the artifacts "model" of
                                    a new run, then register it as NAME
"""

import os
import sys
import tempfile

import mlflow
from mlflow import MlflowClient

MLMODEL = "flavors:\n  python_function:\n    loader_module: bench\n"


def make_source(experiment):
    mlflow.set_experiment(experiment)
    with tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "MLmodel"), "w") as file:
            file.write(MLMODEL)
        with mlflow.start_run() as run:
            mlflow.log_artifacts(directory, "model")
    print(run.info.run_id)


def register(source, name, alias):
    # register_model waits until the version is READY (300 s by default).
    version = mlflow.register_model(source, name)
    MlflowClient().set_registered_model_alias(name, alias, version.version)


def upload(directory, experiment, name):
    mlflow.set_experiment(experiment)
    with mlflow.start_run() as run:
        mlflow.log_artifacts(directory, "model")
    mlflow.register_model(f"runs:/{run.info.run_id}/model", name)


COMMANDS = {"make-source": make_source, "register": register, "upload": upload}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]](*sys.argv[2:])
