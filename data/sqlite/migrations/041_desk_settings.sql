-- A workstation's own plain settings (设置), by name: camera_folder, the
-- folder its document camera (高拍仪) saves pictures in, offered first
-- when a payment proof is picked; idle_lock_minutes, the idle lock.
CREATE TABLE desk_settings (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
