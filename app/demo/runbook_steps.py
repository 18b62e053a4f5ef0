"""What the demo's rollback runbooks say, by the kind of component they roll back.

Each step is (title, owner, minutes, instructions, command, verification, checkpoint); an
owner starting with "role:" is a role, "owner" is the component's on-call owner.
"""

from __future__ import annotations

StepText = tuple[str, str, int, str, str, str, bool]

OPENING: tuple[StepText, ...] = (
    (
        "Declare the rollback",
        "owner",
        2,
        "Post in the incident channel that a rollback of **{name}** starts now, with the "
        "trigger that fired and the deployment being rolled back.",
        "",
        "",
        False,
    ),
    (
        "Freeze the pipeline",
        "role:operations",
        3,
        "Pause every pipeline that deploys **{name}** so nothing rolls forward meanwhile.",
        "releasectl pipeline pause {name}",
        "The pipeline shows paused for every stage.",
        False,
    ),
)

BY_KIND: dict[str, tuple[StepText, ...]] = {
    "service": (
        (
            "Shift traffic to the previous version",
            "role:operations",
            5,
            "Move traffic back to the last known-good version:\n\n"
            "- 50 % first, wait one minute\n- then 100 %\n\n"
            "Keep the new pods running for the post-mortem.",
            "kubectl -n {name} rollout undo deployment/{name}",
            "Error rate below 0.5 % for five minutes on the dashboard.",
            True,
        ),
        (
            "Drain the new version",
            "owner",
            10,
            "Scale the new replica set to zero once no request has reached it for two minutes.",
            "kubectl -n {name} scale rs/{name}-new --replicas=0",
            "No pods of the new version are serving.",
            False,
        ),
    ),
    "database": (
        (
            "Stop writes",
            "role:operations",
            5,
            "Put the writers into read-only mode. **Do not** stop the readers.",
            "dbctl set-readonly {name} --on",
            "Write rate is zero; readers still answer.",
            True,
        ),
        (
            "Run the down migration",
            "owner",
            20,
            "Run the migration's down step. If it fails, stop and restore from the "
            "pre-deployment snapshot instead (next step).",
            "migrate -path ./migrations -database $DSN down 1",
            "Schema version equals the one before the deployment.",
            True,
        ),
        (
            "Restore from the pre-deployment snapshot (only if the down step failed)",
            "role:operations",
            45,
            "Restore the snapshot taken before the deployment into a new instance, then "
            "switch the connection alias over.\n\n1. Restore\n2. Check row counts\n3. Switch",
            "dbctl restore {name} --snapshot pre-deploy --target {name}-restored",
            "Row counts of the five largest tables match the snapshot report.",
            False,
        ),
        (
            "Re-enable writes",
            "role:operations",
            3,
            "Take the writers out of read-only mode.",
            "dbctl set-readonly {name} --off",
            "Write rate back to its usual level.",
            False,
        ),
    ),
    "web": (
        (
            "Repoint the CDN to the previous build",
            "owner",
            5,
            "Switch the CDN origin back to the previous build's bucket and purge the HTML "
            "(not the hashed assets).",
            "cdnctl origin set {name} --build previous && cdnctl purge {name} --html",
            "The page footer shows the previous build number.",
            True,
        ),
    ),
    "infrastructure": (
        (
            "Re-apply the previous configuration",
            "role:operations",
            15,
            "Check out the previous tag of the infrastructure repository and apply it.",
            "terraform apply -auto-approve -var-file=prod.tfvars",
            "The plan shows no further changes.",
            True,
        ),
    ),
}

CLOSING: tuple[StepText, ...] = (
    (
        "Verify service health",
        "owner",
        10,
        "Watch the service's SLO dashboard for ten minutes.",
        "",
        "Error rate, p99 latency and availability are back within their SLOs.",
        True,
    ),
    (
        "Hand over",
        "owner",
        5,
        "Record the rollback decision in ReleaseDesk, unfreeze the pipeline and open the "
        "post-mortem.",
        "releasectl pipeline resume {name}",
        "The rollback decision is in the log and the post-mortem ticket exists.",
        False,
    ),
)

SUMMARIES = {
    "service": "Use when a release of **{name}** breaches a rollback trigger or when the "
    "on-call engineer calls it. Needs the previous version's image in the registry.",
    "database": "Use when a schema or data change to **{name}** has to be taken back. "
    "Needs a pre-deployment snapshot less than 24 hours old.",
    "web": "Use when a release of **{name}** breaks pages for users.",
    "infrastructure": "Use when an infrastructure change to **{name}** degrades the platform.",
}

WORKLOAD_STEP: StepText = (
    "Turn off the feature flag",
    "owner",
    2,
    "Turn off this change's feature flag in every region before anything else: it may "
    "make the rollback unnecessary.",
    "flagctl set {key} off --all-regions",
    "The flag reads off in every region.",
    True,
)
