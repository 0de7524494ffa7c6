def move_to(recep):
    """
    Move to the given receptacle.
    """
    goto(recep)

def put_object(obj, recep):
    """
    Put the given object in the given receptacle.
    """
    take(obj, recep)
    if obj in inventory():
        put(obj, recep)
    else:
        return 'Error: The action is not valid and therefore takes no effect. You are in the middle of the room and hold nothing.'

def open_recep(recep):
    """
    Open the given receptacle.
    """
    open(recep)

def close_recep(recep):
    """
    Close the given receptacle.
    """
    close(recep)

def toggle_light(obj):
    """
    Toggle the given light.
    """
    use(obj)

def heat_object(obj, recep):
    """
    Heat the given object in the given receptacle.
    """
    heat(obj, recep)

def cool_object(obj, recep):
    """
    Cool the given object in the given receptacle.
    """
    cool(obj, recep)

def use_object(obj):
    """
    Use the given object.
    """
    use(obj)

def examine_object(obj):
    """
    Examine the given object.
    """
    examine(obj)