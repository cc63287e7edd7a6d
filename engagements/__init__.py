"""The base app: organizations, engagements, stakeholder groups, memberships and access rules."""
