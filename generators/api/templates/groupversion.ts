/**
 * API schema definitions for the <%= fullGroup %> <%= version %> API group.
 * +groupName=<%= fullGroup %>
 * +versionName=<%= version %>
 */
export const groupVersion = { group: "<%= fullGroup %>", version: "<%= version %>" } as const;
