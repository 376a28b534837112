"""Running the bot, whatever the features: taking updates in (intake, webhook), sending
(transport, delivery), the due-row sweep (sweeper, which asks each feature's DueSource),
health and metrics, the instance lock and logging. It imports no feature package."""
