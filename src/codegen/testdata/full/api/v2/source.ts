/** A discriminated union of object types (the `type` field tells the members apart). */

export interface GitSource {
  type: "git";
  /** The repository to clone. */
  url: string;
  branch?: string;
}

export interface BucketSource {
  type: "s3";
  bucket: string;
  region?: string;
}

/** Where the guestbook's entries come from. */
export type Source = GitSource | BucketSource | { type: "inline"; entries?: string[] };
