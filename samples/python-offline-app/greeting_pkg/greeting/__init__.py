def hello() -> str:
    return "hello from a package installed offline"
