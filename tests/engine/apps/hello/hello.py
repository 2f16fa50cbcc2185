import platform

print("hello from", platform.machine())
