-- A clerk's decision on an application is made on the state the desk's
-- earlier unanswered decisions on it left. after_seq names the latest of
-- those (0 for none; claims and prints stand on their own) and goes with the
-- command: if the server refuses that one, it refuses this one too, in
-- whichever batch it arrives, instead of applying it to a state the clerk
-- never saw. laid says whether a pending command shows in the stored
-- application: one whose predecessor was refused, or that no longer applies
-- after a pull, does not, and the next decision does not depend on it.
ALTER TABLE outbox ADD COLUMN after_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN laid INTEGER NOT NULL DEFAULT 1;
