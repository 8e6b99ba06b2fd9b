-- A workstation's printer for each kind of paper it prints (设置): the
-- 受理回执 may go to the counter's laser printer and the 日结报表 to the
-- office's. '' is the system's default printer.
CREATE TABLE printer_choices (
	paper   TEXT PRIMARY KEY,
	printer TEXT NOT NULL DEFAULT '',
	copies  INTEGER NOT NULL DEFAULT 1 CHECK (copies BETWEEN 1 AND 9)
);
