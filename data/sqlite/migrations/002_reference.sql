-- The starting catalogue of common reasons (REFERENCE.md); the bureau edits
-- it through titledesk-server admin.
INSERT INTO reasons (step, text, ord) VALUES
	('review', '扫描件不清晰或不完整', 1),
	('review', '缺少必需材料', 2),
	('review', '所学专业与申报专业不相近', 3),
	('review', '从事专业技术工作年限不足', 4),
	('review', '单位审核意见或公示材料缺失', 5),
	('review', '公示期不足5个工作日', 6),
	('review', '个人信息与证件不一致', 7),
	('review', '申报资格与所学专业不符', 8),
	('review', '社保缴纳单位与申报单位不一致', 9),
	('counter', '未提供原件', 1),
	('counter', '原件与扫描件不一致', 2),
	('counter', '复印件不清晰', 3),
	('counter', '复印件未签名或未加盖单位公章', 4),
	('counter', '材料已过有效期', 5);

-- Placeholder fees in fen: REFERENCE.md gives no amounts, so the bureau
-- must set the published ones (titledesk-server admin fees).
INSERT INTO fees (level, amount) VALUES
	('员级', 10000),
	('助理级', 15000),
	('中级', 30000);
