print("vip-agent")
