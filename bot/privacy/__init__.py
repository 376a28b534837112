"""Privacy: members' old words cleared on the sweep when the operator asks (config [privacy])."""
