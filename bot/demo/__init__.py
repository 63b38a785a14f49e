"""`crmcoach demo`: the real app end to end against local stand-ins (run.py), and those stand-ins.

Nothing here is used by the running bot: the stand-ins answer like Slack so the demo and the tests
can run without a workspace.
"""
