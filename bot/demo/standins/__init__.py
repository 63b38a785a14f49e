"""Local stand-ins for Slack (Web API, response_url) used by the demo and the tests."""
