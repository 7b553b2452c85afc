print("vipctl")
