def go_to(recep):
    if not receptacle_is_open(recep):
        return 'The action is not valid and therefore takes no effect. You are at {} and hold nothing.'.format(recep)
    return goto(recep)

def receptacle_is_open(recep):
    if receptacle_is_open(recep):
        return True
    else:
        return False