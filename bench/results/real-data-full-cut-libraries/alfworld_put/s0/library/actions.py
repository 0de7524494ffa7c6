def go_to(recep):
    return goto(recep)