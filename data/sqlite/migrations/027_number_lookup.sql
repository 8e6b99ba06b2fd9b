-- Numbers that identify documents or money are unique on the server
-- (DESIGN.md section 3): it looks each new one up where commands are
-- applied, and refuses a duplicate naming the application that has it.
-- Not UNIQUE indexes: a server may hold duplicates accepted before this
-- check, and a workstation (same schema) may briefly hold a number its
-- restored copy issued again before it learns better.
CREATE INDEX applications_notice_no ON applications (notice_no) WHERE notice_no IS NOT NULL;
CREATE INDEX applications_pay_code ON applications (notice_pay_code) WHERE notice_pay_code <> '';
CREATE INDEX applications_receipt_no ON applications (payment_receipt_no, payment_channel) WHERE payment_receipt_no IS NOT NULL;
