-- How many working days after 复审 passes the paper materials are due
-- (data.FinanceSettings.PaperDays; 0: no deadline).
ALTER TABLE finance_settings ADD COLUMN paper_days INTEGER NOT NULL DEFAULT 20;
