-- The engine remembers each account's recent client order ids and answers a repeat with the original order
-- (docs/engine-spec.md §3.3); the gateway's reservation table (which could lose an id or keep it forever) goes.
DROP TABLE client_orders;
