"""Writes the example model in examples/model with MLflow itself.

A linear regression on four features, small enough to commit, saved with
mlflow.sklearn so that MLflow's own client can load and serve it. Run with
the project's environment: .venv/bin/python scripts/mlflow/make-example-model.py
"""

import shutil
from pathlib import Path

import mlflow.sklearn
import numpy as np
from mlflow.models import infer_signature
from sklearn.linear_model import LinearRegression

TARGET = Path(__file__).resolve().parents[2] / "examples" / "model"


def main() -> None:
    rng = np.random.default_rng(seed=7)
    features = rng.normal(size=(200, 4))
    weights = np.array([1.5, -2.0, 0.5, 3.0])
    labels = features @ weights + 0.25
    model = LinearRegression().fit(features, labels)

    shutil.rmtree(TARGET, ignore_errors=True)
    mlflow.sklearn.save_model(
        model,
        TARGET,
        signature=infer_signature(features, model.predict(features)),
        input_example=features[:2],
    )
    print(f"Wrote {TARGET}")


if __name__ == "__main__":
    main()
