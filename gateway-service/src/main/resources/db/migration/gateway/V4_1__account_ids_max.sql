-- The engine's account ids are 1 .. 2^24-1 since the accounts tree became 24 levels deep (docs/engine-spec.md §1, §6).
ALTER SEQUENCE account_ids MAXVALUE 16777215;
