// Package v1 contains API Schema definitions for the webapp v1 API group.
// +groupName=webapp.example.com
export const groupVersion = { group: "webapp.example.com", version: "v1" } as const;
