package main

import "titledesk/idcard"

func read(dll string, port int) idcard.Reply { return idcard.ReadTermb(dll, port) }
