"""What tests share beyond fixtures: certificates made in code, local HTTP servers, waiting, a clock."""
