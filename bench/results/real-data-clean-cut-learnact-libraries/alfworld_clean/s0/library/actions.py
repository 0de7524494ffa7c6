def go_to(recep):
    return goto(recep)

def pick_up(obj, recep):
    return take(obj, recep)