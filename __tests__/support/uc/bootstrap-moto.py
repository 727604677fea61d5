"""Prepares moto's S3 for the Unity Catalog tests and prints credentials.

Moto enforces IAM after its first unauthenticated requests (the server
runs with INITIAL_NO_AUTH_ACTION_COUNT), which this script spends on a
bucket, a user that may assume a role, and the role with S3 access. It
prints the user's keys and one set of the role's temporary credentials
from STS AssumeRole, as JSON, for the stand-in registry to hand out.
"""

import json
import sys

import boto3

endpoint, bucket = sys.argv[1], sys.argv[2]
admin = dict(
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="bootstrap",
    aws_secret_access_key="bootstrap",
)
boto3.client("s3", **admin).create_bucket(Bucket=bucket)
iam = boto3.client("iam", **admin)
iam.create_user(UserName="uc-standin")
everything = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
iam.put_user_policy(
    UserName="uc-standin", PolicyName="all", PolicyDocument=json.dumps(everything)
)
key = iam.create_access_key(UserName="uc-standin")["AccessKey"]
trust = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    ],
}
role = iam.create_role(
    RoleName="uc-model-storage", AssumeRolePolicyDocument=json.dumps(trust)
)["Role"]
s3_only = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}
iam.put_role_policy(
    RoleName="uc-model-storage", PolicyName="s3", PolicyDocument=json.dumps(s3_only)
)
sts = boto3.client(
    "sts",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id=key["AccessKeyId"],
    aws_secret_access_key=key["SecretAccessKey"],
)
assumed = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="uc-upload")
credentials = assumed["Credentials"]
print(
    json.dumps(
        {
            "user": {
                "accessKeyId": key["AccessKeyId"],
                "secretAccessKey": key["SecretAccessKey"],
            },
            "temporary": {
                "accessKeyId": credentials["AccessKeyId"],
                "secretAccessKey": credentials["SecretAccessKey"],
                "sessionToken": credentials["SessionToken"],
                "expiration": credentials["Expiration"].isoformat(),
            },
        }
    )
)
